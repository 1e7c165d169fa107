package io.recoflow.infra.common;

/** Renders kubeconfig files; credentials are never embedded, the kubeconfig execs the cloud CLI for a token. */
public final class Kubeconfigs {
    private Kubeconfigs() {}

    public static String eks(String clusterName, String region, String endpoint, String caData) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %3$s
                    certificate-authority-data: %4$s
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                current-context: %1$s
                users:
                - name: %1$s
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: aws
                      args: ["eks", "get-token", "--cluster-name", "%1$s", "--region", "%2$s", "--output", "json"]
                      interactiveMode: Never
                """.formatted(clusterName, region, endpoint, caData);
    }
}
