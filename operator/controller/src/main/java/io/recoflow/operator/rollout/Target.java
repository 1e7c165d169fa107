package io.recoflow.operator.rollout;

/** The version the ModelVersions ask to serve (the highest ready version with stage production). */
public record Target(long version, String uri) {}
