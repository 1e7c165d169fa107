package io.recoflow.infra.common;

/**
 * Renders the S3 -> Azure Blob data-lake replication as Kubernetes manifests (ServiceAccount + CronJob) for the EKS
 * cluster. No static keys: rclone reads S3 with the IRSA role (web identity injected by EKS) and writes Blob with an
 * Azure workload identity federated to the EKS OIDC issuer (a second projected token with Azure's audience).
 * `rclone copy` (not `sync`): a deletion in S3 never propagates, so the replica also protects against bad deletes.
 */
public record ReplicationJob(String schedule, String bucket, String region, String roleArn,
                             String storageAccount, String container, String azureClientId, String azureTenantId) {
    public static final String IMAGE = "rclone/rclone:1.68.2";
    public static final String AZURE_AUDIENCE = "api://AzureADTokenExchange";
    public static final String AZURE_TOKEN_DIR = "/var/run/secrets/azure/tokens";

    public String manifest() {
        var w = Workload.REPLICATOR;
        return """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: %1$s
                  namespace: %2$s
                  annotations:
                    eks.amazonaws.com/role-arn: %3$s
                    azure.workload.identity/client-id: "%4$s"
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: datalake-replication
                  namespace: %2$s
                  labels: {app.kubernetes.io/name: datalake-replication, app.kubernetes.io/part-of: recoflow}
                spec:
                  schedule: "%5$s"
                  concurrencyPolicy: Forbid
                  startingDeadlineSeconds: 3600
                  successfulJobsHistoryLimit: 3
                  failedJobsHistoryLimit: 5
                  jobTemplate:
                    spec:
                      backoffLimit: 2
                      activeDeadlineSeconds: 18000
                      template:
                        metadata:
                          labels: {app.kubernetes.io/name: datalake-replication}
                        spec:
                          serviceAccountName: %1$s
                          restartPolicy: Never
                          # stateless and restartable: may run on spot capacity
                          nodeSelector: {%6$s: %7$s}
                          tolerations:
                          - {key: %8$s, operator: Equal, value: "true", effect: NoSchedule}
                          - {key: kubernetes.azure.com/scalesetpriority, operator: Equal, value: spot, effect: NoSchedule}
                          securityContext: {runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532, seccompProfile: {type: RuntimeDefault}}
                          containers:
                          - name: rclone
                            image: %9$s
                            args: ["copy", "s3:%10$s", "azblob:%11$s", "--checksum", "--transfers=16", "--checkers=32", "--s3-no-check-bucket", "--stats=60s", "--stats-one-line", "-v"]
                            env:
                            - {name: RCLONE_CONFIG_S3_TYPE, value: s3}
                            - {name: RCLONE_CONFIG_S3_PROVIDER, value: AWS}
                            - {name: RCLONE_CONFIG_S3_ENV_AUTH, value: "true"}
                            - {name: RCLONE_CONFIG_S3_REGION, value: %12$s}
                            - {name: RCLONE_CONFIG_AZBLOB_TYPE, value: azureblob}
                            - {name: RCLONE_CONFIG_AZBLOB_ACCOUNT, value: %13$s}
                            - {name: RCLONE_CONFIG_AZBLOB_ENV_AUTH, value: "true"}
                            - {name: AZURE_CLIENT_ID, value: "%4$s"}
                            - {name: AZURE_TENANT_ID, value: "%14$s"}
                            - {name: AZURE_FEDERATED_TOKEN_FILE, value: %15$s/azure-identity-token}
                            - {name: AZURE_AUTHORITY_HOST, value: "https://login.microsoftonline.com/"}
                            resources:
                              requests: {cpu: 500m, memory: 512Mi}
                              limits: {memory: 1Gi}
                            securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                            volumeMounts:
                            - {name: azure-token, mountPath: %15$s, readOnly: true}
                            - {name: tmp, mountPath: /tmp}
                            - {name: config, mountPath: /config/rclone}
                          volumes:
                          - name: azure-token
                            projected:
                              sources:
                              - serviceAccountToken: {audience: "%16$s", expirationSeconds: 3600, path: azure-identity-token}
                          - {name: tmp, emptyDir: {}}
                          - {name: config, emptyDir: {}}
                """.formatted(w.serviceAccount(), w.namespace(), roleArn, azureClientId, schedule,
                Pools.WORKLOAD, Pools.STATELESS, Pools.SPOT_TAINT_KEY, IMAGE, bucket, container, region,
                storageAccount, azureTenantId, AZURE_TOKEN_DIR, AZURE_AUDIENCE);
    }
}
