package io.recoflow.operator.version.registry;

import java.util.Map;

/**
 * @param uri model base path to serve from (the version directory is uri/VERSION)
 * @param metrics offline metrics of the version; empty when the registry has none to give
 * @param note what was (not) checked, shown in the ModelVersion's status message
 * @param registryVersion the registry's own version number (MLflow), null without a registry
 */
public record Resolution(String uri, Map<String, Double> metrics, String note, String registryVersion) {
    public Resolution(String uri, Map<String, Double> metrics, String note) {
        this(uri, metrics, note, null);
    }
}
