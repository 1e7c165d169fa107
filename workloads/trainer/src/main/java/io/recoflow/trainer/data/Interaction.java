package io.recoflow.trainer.data;

/**
 * One user-item event.
 *
 * @param user user id as it appears in the source
 * @param item item id (Online Retail: upper-cased StockCode)
 * @param time epoch seconds (Online Retail: invoice time read as UTC; the source has no zone)
 * @param weight event weight (1 for an invoice line)
 */
public record Interaction(String user, String item, long time, float weight) {}
