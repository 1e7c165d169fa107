package io.recoflow.recommend.experiment;

/** A user's variant in the routing experiment; {@code modelVersion} null means the newest loaded version. */
public record Assignment(String experiment, String variant, Long modelVersion) {}
