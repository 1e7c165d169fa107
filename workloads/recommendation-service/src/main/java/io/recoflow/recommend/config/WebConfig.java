package io.recoflow.recommend.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import io.recoflow.recommend.RecommendService;
import io.recoflow.recommend.security.ApiGuard;
import io.recoflow.recommend.web.Admission;
import io.recoflow.recommend.web.RecommendServlet;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class WebConfig {
    /** Guards the recommendation API only; actuator and /v1/ping stay open for probes and the load test. */
    @Bean
    FilterRegistrationBean<ApiGuard> apiGuard(RecommendProperties props, MeterRegistry meters) {
        ApiGuard guard = new ApiGuard(props.getSecurity(), meters);
        FilterRegistrationBean<ApiGuard> reg = new FilterRegistrationBean<>(guard);
        reg.addUrlPatterns("/v1/recommendations/*");
        reg.setEnabled(guard.enabled());
        return reg;
    }

    /** The recommendation API and the trivial endpoint, outside DispatcherServlet (see {@link RecommendServlet}). */
    @Bean
    ServletRegistrationBean<RecommendServlet> recommendServlet(RecommendService service, RecommendProperties props,
            ObjectMapper json, MeterRegistry meters) {
        ServletRegistrationBean<RecommendServlet> reg = new ServletRegistrationBean<>(
                new RecommendServlet(service, props.getMaxK(), json, meters, new Admission(props.getAdmission()),
                        props.getAdmission().getRetryAfter()),
                RecommendServlet.RECOMMEND + "/*", RecommendServlet.PING);
        reg.setLoadOnStartup(1);
        return reg;
    }

    /**
     * No generic {@code http.server.requests} observation for the API: {@code recoflow.recommend.request} (latency by
     * outcome), {@code recoflow.recommend.rejected} and the scoring timers measure it, and the generic one cost a
     * measurable share of a request's CPU. Actuator and everything else keep it.
     */
    @Bean
    ObservationPredicate skipApiObservation() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext c
                && c.getCarrier().getRequestURI().startsWith("/v1/"));
    }
}
