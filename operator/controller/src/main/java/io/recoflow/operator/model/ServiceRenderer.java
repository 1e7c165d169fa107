package io.recoflow.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.recoflow.operator.api.RecommendationModel;
import io.recoflow.operator.core.Owners;
import io.recoflow.operator.api.spec.Runtime;
import java.util.List;

/** The stable Service; its selector names the active slot, which is how blue-green switches traffic. */
public final class ServiceRenderer {
    private ServiceRenderer() {}

    public static Service render(RecommendationModel rm, String activeSlot) {
        List<ServicePort> ports = rm.getSpec().runtime == Runtime.EMBEDDED
                ? List.of(port("http", Ports.EMBEDDED_HTTP))
                : List.of(port("grpc", Ports.TFS_GRPC), port("http", Ports.TFS_REST));
        return new ServiceBuilder()
                .withMetadata(Owners.meta(rm, Names.service(rm), ModelLabels.of(rm)))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(ModelLabels.selector(rm, activeSlot))
                    .withPorts(ports)
                .endSpec()
                .build();
    }

    private static ServicePort port(String name, int port) {
        return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(new IntOrString(name))
                .withProtocol("TCP").build();
    }
}
