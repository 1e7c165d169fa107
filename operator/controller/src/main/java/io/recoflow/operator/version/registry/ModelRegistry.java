package io.recoflow.operator.version.registry;

import io.recoflow.operator.api.spec.ModelVersionSpec;

/**
 * The one place the operator asks where a model version's artifact is and what its offline metrics are.
 * {@link DefaultModelRegistry} reads file:// artifacts; an MLflow-backed implementation plugs in here.
 */
public interface ModelRegistry {
    /**
     * @throws RegistryException when the version cannot be resolved; {@link RegistryException#retryable()} says
     *     whether asking again later may help (registry unreachable) or not (artifact missing)
     */
    Resolution resolve(ModelVersionSpec spec) throws RegistryException;

    /**
     * Points a registry alias (e.g. {@code champion}) of the version's registered model at {@code registryVersion}:
     * a registry write, never a Kubernetes one. Only registries with aliases (MLflow) implement it.
     */
    default void setAlias(ModelVersionSpec spec, String registryVersion, String alias) throws RegistryException {
        throw new RegistryException("RegistryNotConfigured", "no registry with aliases for "
                + (spec.artifact.mlflow == null ? spec.artifact.uri : spec.artifact.mlflow.registeredModel), false);
    }
}
