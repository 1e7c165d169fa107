package io.recoflow.operator.budget.source;

/** Where the money is measured. */
public interface CostSource {
    /**
     * The spend of the query's scope since its period start; never a partial sum: when data is missing or stale it
     * throws, and the message says what is missing.
     */
    Spend monthToDate(CostQuery q) throws CostException;
}
