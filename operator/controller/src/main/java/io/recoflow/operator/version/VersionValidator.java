package io.recoflow.operator.version;

import io.recoflow.operator.api.ModelVersion;
import io.recoflow.operator.api.spec.ArtifactSource;
import io.recoflow.operator.api.spec.ModelVersionSpec;
import io.recoflow.operator.core.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** ModelVersion spec rules (see {@link Validator}). */
public final class VersionValidator implements Validator<ModelVersion> {
    public static final VersionValidator INSTANCE = new VersionValidator();
    static final Pattern REF = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    static final Pattern URI = Pattern.compile("^(s3|abfss|file)://.+$");
    static final Pattern DIGITS = Pattern.compile("^[0-9]+$");
    static final Pattern ALIAS = Pattern.compile("^[A-Za-z0-9_-]+$");

    private VersionValidator() {}

    @Override
    public List<String> validate(ModelVersion mv) {
        List<String> errors = new ArrayList<>();
        ModelVersionSpec s = mv.getSpec();
        if (s == null) {
            errors.add("spec: required");
            return errors;
        }
        if (s.modelRef == null) {
            errors.add("spec.modelRef: required");
        } else if (!REF.matcher(s.modelRef).matches()) {
            errors.add("spec.modelRef: must be a resource name");
        }
        if (s.version == null) {
            errors.add("spec.version: required");
        } else if (s.version < 1) {
            errors.add("spec.version: must be >= 1");
        }
        ArtifactSource a = s.artifact;
        if (a == null) {
            errors.add("spec.artifact: required");
            return errors;
        }
        if ((a.mlflow == null) == (a.uri == null)) {
            errors.add("spec.artifact: set exactly one of mlflow or uri");
        }
        if (a.uri != null && !URI.matcher(a.uri).matches()) {
            errors.add("spec.artifact.uri: scheme must be s3://, abfss:// or file://");
        }
        if (a.mlflow != null) {
            if (Validator.blank(a.mlflow.registeredModel)) {
                errors.add("spec.artifact.mlflow.registeredModel: required");
            }
            if ((a.mlflow.version == null) == (a.mlflow.alias == null)) {
                errors.add("spec.artifact.mlflow: set exactly one of version or alias");
            }
            if (a.mlflow.version != null && !DIGITS.matcher(a.mlflow.version).matches()) {
                errors.add("spec.artifact.mlflow.version: must be a number");
            }
            if (a.mlflow.alias != null && !ALIAS.matcher(a.mlflow.alias).matches()) {
                errors.add("spec.artifact.mlflow.alias: must match " + ALIAS.pattern());
            }
        }
        return errors;
    }

}
