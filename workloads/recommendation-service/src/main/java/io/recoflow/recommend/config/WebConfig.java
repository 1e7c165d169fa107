package io.recoflow.recommend.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.recoflow.recommend.security.ApiGuard;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
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
}
