package io.recoflow.lakesink;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The one place that talks to S3 (AWS SDK v2, the JDK's URL connection as HTTP client). Credentials come from the
 * default chain (the pod's IRSA / EKS Pod Identity, or the AWS_* variables); an endpoint override turns on path-style
 * addressing, which S3-compatible stores such as S3Mock and MinIO need.
 */
final class S3Store implements ObjectStore {
    private final Target target;
    private final S3Client s3;

    S3Store(Target target, SinkProperties props) {
        this.target = target;
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(props.s3Region()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(60)));
        if (props.s3Endpoint() != null && !props.s3Endpoint().isBlank()) {
            b.endpointOverride(URI.create(props.s3Endpoint())).forcePathStyle(true);
        }
        this.s3 = b.build();
    }

    @Override
    public Target target() {
        return target;
    }

    @Override
    public void put(String key, byte[] bytes) {
        s3.putObject(r -> r.bucket(target.container()).key(target.key(key)).contentLength((long) bytes.length),
                RequestBody.fromBytes(bytes));
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(target.container()).key(target.key(key)))
                    .asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public void check() {
        s3.headBucket(r -> r.bucket(target.container()));
    }

    @Override
    public void close() {
        s3.close();
    }
}
