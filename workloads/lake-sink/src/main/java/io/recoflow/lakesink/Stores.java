package io.recoflow.lakesink;

import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One {@link ObjectStore} per configured target, in the configured order. */
@Configuration
class Stores {

    @Bean(destroyMethod = "")
    List<ObjectStore> objectStores(SinkProperties props) {
        if (props.targets().isEmpty()) {
            throw new IllegalStateException("recoflow.sink.targets is empty: nothing to write to");
        }
        return props.targets().stream().map(Target::parse).map(t -> open(t, props)).toList();
    }

    @Bean
    AutoCloseable objectStoresCloser(List<ObjectStore> objectStores) {
        return () -> objectStores.forEach(ObjectStore::close);
    }

    private static ObjectStore open(Target t, SinkProperties props) {
        return Target.S3.equals(t.kind()) ? new S3Store(t, props) : new AzureStore(t, props);
    }
}
