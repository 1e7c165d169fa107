package io.recoflow.lakesink;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.time.Duration;
import java.util.Optional;

/**
 * The one place that talks to Azure Blob Storage ({@code azure-storage-blob}, the JDK HTTP client instead of Netty).
 * An abfss target maps to the account's blob endpoint; a connection string (a Secret) or an endpoint override
 * (Azurite) replaces it. Without a connection string the credential is workload identity
 * ({@code DefaultAzureCredential}).
 */
final class AzureStore implements ObjectStore {
    private final Target target;
    private final BlobContainerClient container;

    AzureStore(Target target, SinkProperties props) {
        this.target = target;
        HttpClient http = new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(5)).build();
        // few, short tries: the sink retries a failed flush itself, with back-off and without committing
        BlobServiceClientBuilder b = new BlobServiceClientBuilder().httpClient(http).retryOptions(
                new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, Duration.ofSeconds(60), Duration.ofMillis(200),
                        Duration.ofSeconds(2), null));
        String cs = props.azureConnectionString();
        if (cs != null && !cs.isBlank()) {
            b.connectionString(cs);
        } else {
            b.credential(new DefaultAzureCredentialBuilder().build());
        }
        String endpoint = props.azureEndpoint();
        if (endpoint != null && !endpoint.isBlank()) {
            b.endpoint(endpoint);
        } else if (cs == null || cs.isBlank()) {
            b.endpoint(target.blobEndpoint());
        }
        this.container = b.buildClient().getBlobContainerClient(target.container());
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public void put(String key, byte[] bytes) {
        container.getBlobClient(target.key(key)).upload(BinaryData.fromBytes(bytes), true);
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(container.getBlobClient(target.key(key)).downloadContent().toBytes());
        } catch (BlobStorageException e) {
            if (e.getErrorCode() == BlobErrorCode.BLOB_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void check() {
        if (!container.exists()) {
            throw new IllegalStateException("container " + target.container() + " does not exist");
        }
    }
}
