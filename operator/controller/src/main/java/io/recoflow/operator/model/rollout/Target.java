package io.recoflow.operator.model.rollout;

/** The version the ModelVersions ask to serve (the highest ready version with stage production). */
public record Target(long version, String uri) {}
