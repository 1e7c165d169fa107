package io.recoflow.infra.cost;

/** One priced line: the arithmetic is kept as text so docs/cost.md shows exactly what was multiplied. */
public record CostLine(String item, String formula, double monthly, boolean traffic) {
    public CostLine {
        if (monthly < 0) throw new IllegalArgumentException("negative cost for " + item);
    }
}
