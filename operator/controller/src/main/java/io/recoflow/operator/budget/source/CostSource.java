package io.recoflow.operator.budget.source;

public interface CostSource {
    Spend monthToDate(CostQuery q) throws CostException;
}
