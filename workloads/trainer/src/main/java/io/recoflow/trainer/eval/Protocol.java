package io.recoflow.trainer.eval;

/** What counts as a correct recommendation. */
public enum Protocol {
    /** Rank every item; every test purchase counts, re-buys of training items included. */
    ALL_PURCHASES("all purchases"),
    /**
     * Remove the user's training items from the ranking and from the ground truth: only discovery counts. The only
     * protocol of the random split (its test items are never training items of the same user).
     */
    NEW_ITEMS("new items only");

    private final String label;

    Protocol(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
