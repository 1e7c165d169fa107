package io.recoflow.infra.cost;

/**
 * Traffic-driven quantities per month: what scales with load rather than with the stack's fixed sizes. Values are
 * planning assumptions per environment (dev: a few engineers and synthetic load; prod: ~1k events/s peak).
 */
public record Usage(double natGb, double logsGb, double lakeGb, double replicationGb, double eventMillions,
                    double keyVaultOps10k) {
    public static Usage of(String env) {
        return switch (env) {
            case "dev" -> new Usage(50, 10, 50, 10, 10, 100);
            case "staging" -> new Usage(200, 30, 200, 40, 50, 300);
            case "prod" -> new Usage(2000, 150, 2000, 300, 1000, 3000);
            default -> throw new IllegalArgumentException("no usage assumptions for env '" + env + "'");
        };
    }
}
