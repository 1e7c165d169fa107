package io.recoflow.infra.cost;

import io.recoflow.infra.config.AwsSettings;
import io.recoflow.infra.config.AzureSettings;
import io.recoflow.infra.config.ConfigSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Renders the generated part of docs/cost.md from pulumi/{aws,azure}/Pulumi.&lt;stack&gt;.yaml and {@link Prices}.
 * `mvn -pl pulumi -am compile exec:java -Dexec.mainClass=io.recoflow.infra.cost.CostReport` rewrites the block
 * between the markers; CostReportTest fails when the committed block is stale.
 */
public final class CostReport {
    public static final String BEGIN = "<!-- BEGIN GENERATED: CostReport (do not edit by hand) -->";
    public static final String END = "<!-- END GENERATED: CostReport -->";
    public static final List<String> STACKS = List.of("dev", "staging", "prod");

    private CostReport() {}

    public static void main(String[] args) throws IOException {
        var module = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        if (!Files.isDirectory(module.resolve("aws"))) module = module.resolve("pulumi");
        var doc = module.getParent().resolve("docs/cost.md");
        var block = render(module);
        var text = Files.exists(doc) ? Files.readString(doc) : BEGIN + "\n" + END + "\n";
        Files.writeString(doc, replaceBlock(text, block));
        System.out.println("wrote " + doc);
    }

    public static String replaceBlock(String text, String block) {
        int b = text.indexOf(BEGIN), e = text.indexOf(END);
        if (b < 0 || e < b) throw new IllegalArgumentException("docs/cost.md lacks the generated-block markers");
        return text.substring(0, b) + BEGIN + "\n" + block + text.substring(e);
    }

    public static String render(Path module) {
        var sb = new StringBuilder();
        sb.append("Prices: ").append(Prices.DATE).append(". AWS region ").append(Prices.AWS_REGION)
                .append(", Azure region ").append(Prices.AZURE_REGION).append("; ").append((int) Prices.HOURS)
                .append(" h/month; spot = on-demand × ").append(Prices.SPOT_FACTOR).append(" (assumption).\n\n");
        sb.append("| Stack | AWS / month | Azure / month | Both | of which traffic-driven |\n|---|---:|---:|---:|---:|\n");
        for (var stack : STACKS) {
            var aws = CostModel.aws(aws(module, stack));
            var az = CostModel.azure(azure(module, stack));
            sb.append("| ").append(stack).append(" | ").append(usd(CostModel.total(aws))).append(" | ")
                    .append(usd(CostModel.total(az))).append(" | ").append(usd(CostModel.total(aws) + CostModel.total(az)))
                    .append(" | ").append(usd(CostModel.traffic(aws) + CostModel.traffic(az))).append(" |\n");
        }
        for (var stack : STACKS) {
            table(sb, "AWS " + stack, CostModel.aws(aws(module, stack)));
            table(sb, "Azure " + stack, CostModel.azure(azure(module, stack)));
        }
        return sb.toString();
    }

    public static AwsSettings aws(Path module, String stack) {
        return AwsSettings.of(ConfigSource.fromStackFile(module.resolve("aws/Pulumi." + stack + ".yaml")));
    }

    public static AzureSettings azure(Path module, String stack) {
        return AzureSettings.of(ConfigSource.fromStackFile(module.resolve("azure/Pulumi." + stack + ".yaml")));
    }

    private static void table(StringBuilder sb, String title, List<CostLine> lines) {
        sb.append("\n### ").append(title).append("\n\n| Item | Arithmetic | Monthly |\n|---|---|---:|\n");
        for (var l : lines) {
            sb.append("| ").append(l.item()).append(l.traffic() ? " ⇡" : "").append(" | ").append(l.formula())
                    .append(" | ").append(usd(l.monthly())).append(" |\n");
        }
        sb.append("| **Total** | | **").append(usd(CostModel.total(lines))).append("** |\n");
    }

    static String usd(double v) {
        return String.format(Locale.ROOT, "$%,.2f", v);
    }
}
