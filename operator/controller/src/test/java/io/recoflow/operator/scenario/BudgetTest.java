package io.recoflow.operator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.recoflow.operator.api.budget.CloudCostBudget;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Action;
import io.recoflow.operator.api.budget.CloudCostBudgetSpec.Basis;
import io.recoflow.operator.api.experiment.ABExperiment;
import io.recoflow.operator.api.experiment.ExperimentPhase;
import io.recoflow.operator.api.spec.Autoscaling;
import io.recoflow.operator.api.spec.Placement;
import io.recoflow.operator.api.spec.Stage;
import io.recoflow.operator.api.status.ModelPhase;
import io.recoflow.operator.budget.source.OpenCostPrometheus;
import io.recoflow.operator.budget.source.OpenCostPrometheus.Series;
import io.recoflow.operator.config.Settings;
import io.recoflow.operator.core.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CloudCostBudgets on the mock API server, with a real Prometheus holding synthetic OpenCost series for the two
 * member clusters since the start of the month (backfilled with promtool, then scraped live).
 *
 * <p>Per hour: eks-prod's node costs 0.48 in all (8 cores x 0.04 + 32 GiB x 0.005), aks-prod's 0.12 (4 x 0.02 +
 * 8 GiB x 0.005); no volumes. So the month to date is 0.60 x the whole hours since the 1st, 00:00 UTC, of which
 * eks-prod 0.48 and aks-prod 0.12 per hour, and aks-prod is the cheaper cluster.
 */
class BudgetTest extends TwoMemberHarness {
    static final double EKS = 0.48;
    static final double AKS = 0.12;
    static OpenCostPrometheus prom;
    static long periodStart;

    @BeforeAll
    static void startPrometheus() throws Exception {
        Instant now = Instant.now();
        periodStart = YearMonth.from(now.atZone(ZoneOffset.UTC)).atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        List<Series> s = new ArrayList<>();
        node(s, "eks-prod", "n1", 0.04, 0.005, EKS);
        node(s, "aks-prod", "n2", 0.02, 0.005, AKS);
        prom = OpenCostPrometheus.start(periodStart - 7200, s);
        url = prom.url;
    }

    @AfterAll
    static void stopPrometheus() throws Exception {
        if (prom != null) {
            prom.close();
        }
    }

    static void node(List<Series> s, String cluster, String node, double cpu, double ramGib, double total) {
        String l = "cluster=\"" + cluster + "\",node=\"" + node + "\",instance_type=\"m5.2xlarge\"";
        s.add(new Series("node_cpu_hourly_cost", l, cpu));
        s.add(new Series("node_ram_hourly_cost", l, ramGib));
        s.add(new Series("node_gpu_hourly_cost", l, 0));
        s.add(new Series("node_total_hourly_cost", l, total));
    }

    static java.net.URI url;

    @Override
    Settings settings() {
        return super.settings().withPrometheusUrl(url);
    }

    static CloudCostBudget budget(String name, String prometheusUrl, double limit) {
        CloudCostBudget b = new CloudCostBudget();
        b.setMetadata(new ObjectMetaBuilder().withName(name).build());
        CloudCostBudgetSpec s = new CloudCostBudgetSpec();
        s.limitUSD = limit;
        s.source = new CloudCostBudgetSpec.Source();
        s.source.type = CloudCostBudgetSpec.SourceType.OPENCOST;
        s.source.opencost = new CloudCostBudgetSpec.OpenCost();
        s.source.opencost.prometheusUrl = prometheusUrl;
        s.pollIntervalSeconds = 10L;
        s.thresholds = new ArrayList<>(List.of(threshold(80, Action.CAP_REPLICAS, 3),
                threshold(90, Action.SHIFT_TRAFFIC, null), threshold(100, Action.PAUSE_EXPERIMENTS, null)));
        b.setSpec(s);
        return b;
    }

    static CloudCostBudgetSpec.Threshold threshold(int percent, Action action, Integer maxReplicas) {
        CloudCostBudgetSpec.Threshold t = new CloudCostBudgetSpec.Threshold();
        t.percent = percent;
        t.basis = Basis.ACTUAL;
        t.action = action;
        t.maxReplicas = maxReplicas;
        return t;
    }

    CloudCostBudget ccb(String name) {
        return client.resources(CloudCostBudget.class).inNamespace(NS).withName(name).get();
    }

    void editBudget(String name, Consumer<CloudCostBudget> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(CloudCostBudget.class).inNamespace(NS).withName(name).edit(b -> {
                    change.accept(b);
                    return b;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    CloudCostBudget awaitActions(String name, String column) {
        return await(Duration.ofSeconds(30), () -> ccb(name), b -> b.getStatus() != null
                && column.equals(b.getStatus().action));
    }

    static HorizontalPodAutoscaler hpa(KubernetesClient c) {
        return c.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("retail-recs").get();
    }

    @Test
    void spendCrossingEachThresholdActsInOrderAndANewPeriodReleasesEverything() throws Exception {
        // the operator's clock at the real time: the Prometheus holds this month's history
        clock.advance(Duration.between(clock.instant(), Instant.now()));
        String base = Fixtures.artifact(models, 1, 0.30);
        Fixtures.artifact(models, 2, 0.34);
        var rm = placed(Placement.Order.PARALLEL, 70, 30);
        rm.getSpec().replicas = null;
        rm.getSpec().autoscaling = new Autoscaling();
        rm.getSpec().autoscaling.minReplicas = 2;
        rm.getSpec().autoscaling.maxReplicas = 10;
        rm.getSpec().autoscaling.targetCPUUtilization = 70;
        create(rm);
        create(Fixtures.version("retail-recs", 1, base, Stage.PRODUCTION));
        create(Fixtures.version("retail-recs", 2, base, Stage.CANDIDATE));
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus() != null
                && "2/2".equals(r.getStatus().clustersReady) && r.getStatus().phase == ModelPhase.Serving);
        assertThat(hpa(eks.client()).getSpec().getMaxReplicas()).isEqualTo(7);
        assertThat(hpa(aks.client()).getSpec().getMaxReplicas()).isEqualTo(3);
        client.resource(ExperimentTest.experiment("ab", "retail-recs", "retail-recs-v1", "retail-recs-v2"))
                .inNamespace(NS).create();
        await(Duration.ofSeconds(30), () -> client.resources(ABExperiment.class).inNamespace(NS).withName("ab").get(),
                x -> x.getStatus() != null && x.getStatus().phase == ExperimentPhase.Running
                        && x.getStatus().startedAt != null);

        CloudCostBudget b = budget("monthly", url.toString(), 1_000_000);
        b.getSpec().scope = new CloudCostBudgetSpec.Scope();
        b.getSpec().scope.clusters = List.of("eks-prod", "aks-prod");
        client.resource(b).inNamespace(NS).create();
        CloudCostBudget measured = await(Duration.ofSeconds(30), () -> ccb("monthly"), x -> x.getStatus() != null
                && x.getStatus().spentUSD != null);
        // the whole hours from the 1st to the newest hour the source summed (status.dataAsOf)
        long hours = (Instant.parse(measured.getStatus().dataAsOf).getEpochSecond() - periodStart) / 3600;
        Assumptions.assumeTrue(hours >= 1, "the first hour of a month has no whole hour of spend yet");
        double spent = (EKS + AKS) * hours;
        assertThat(measured.getStatus().spentUSD).isCloseTo(spent, within(0.01));
        assertThat(measured.getStatus().byCluster).containsEntry("eks-prod", Math.round(EKS * hours * 100) / 100.0)
                .containsEntry("aks-prod", Math.round(AKS * hours * 100) / 100.0);
        assertThat(measured.getStatus().byCloud).containsOnlyKeys("aws", "azure");
        assertThat(measured.getStatus().cheapestCluster).isEqualTo("aks-prod");
        // the forecast by hand: complete days cost 24 x 0.60 = 14.40; with none yet, the rate is spend over time
        Instant now = Instant.parse(measured.getStatus().checkedAt);
        Instant end = YearMonth.from(now.atZone(ZoneOffset.UTC)).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        double left = Duration.between(now, end).toMillis() / 86_400_000.0;
        long completeDays = (now.getEpochSecond() - periodStart) / 86400;
        double perDay = completeDays > 0 ? 24 * (EKS + AKS)
                : spent / ((now.getEpochSecond() - periodStart) / 86400.0);
        assertThat(measured.getStatus().forecastUSD).isCloseTo(spent + perDay * left, within(0.02));
        assertThat(measured.getStatus().action).isEqualTo("none");
        assertThat(Conditions.isTrue(measured.getStatus().conditions, "WithinBudget")).isTrue();

        // 85 % of the limit: replicas capped at 3 (split 70/30 over the members, never below their minimum)
        editBudget("monthly", x -> x.getSpec().limitUSD = Math.round(spent / 0.85 * 100) / 100.0);
        awaitActions("monthly", "capReplicas");
        await(Duration.ofSeconds(30), () -> hpa(eks.client()).getSpec().getMaxReplicas(), max -> max == 3);
        assertThat(hpa(eks.client()).getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa(aks.client()).getSpec().getMaxReplicas()).isEqualTo(1);
        assertThat(rm("retail-recs").getSpec().autoscaling.maxReplicas).as("the spec").isEqualTo(10);
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus().budget != null
                && r.getStatus().budget.equals("capReplicas 3 (budget recs/monthly)"));
        awaitEvent("retail-recs", "Warning", "BudgetActionApplied");
        awaitEvent("monthly", "Warning", "ThresholdCrossed");

        // 95 %: traffic moves to the cheaper cluster, eks-prod keeping its floor of 10 %
        editBudget("monthly", x -> x.getSpec().limitUSD = Math.round(spent / 0.95 * 100) / 100.0);
        awaitActions("monthly", "capReplicas,shiftTraffic");
        var shifted = await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> status(r, "aks-prod")
                .effectiveWeight == 90);
        assertThat(status(shifted, "eks-prod").effectiveWeight).isEqualTo(10);
        assertThat(shifted.getStatus().budget).contains("shiftTraffic to aks-prod (floor 10%)");
        await(Duration.ofSeconds(30), this::dnsWeights, w -> "90".equals(w.get("aks-prod"))
                && "10".equals(w.get("eks-prod")));

        // 105 %: the running experiment holds its split and decides nothing
        editBudget("monthly", x -> x.getSpec().limitUSD = Math.round(spent / 1.05 * 100) / 100.0);
        CloudCostBudget over = awaitActions("monthly", "capReplicas,shiftTraffic,pauseExperiments");
        assertThat(Conditions.get(over.getStatus().conditions, "WithinBudget").orElseThrow().getStatus())
                .isEqualTo("False");
        await(Duration.ofSeconds(30), () -> client.resources(ABExperiment.class).inNamespace(NS).withName("ab").get(),
                x -> Conditions.hasReason(x.getStatus().conditions, Conditions.READY,
                        io.recoflow.operator.core.Reason.BudgetPaused));
        assertThat(rm("retail-recs").getStatus().experiment).as("the split stays").isEqualTo("ab");

        // the cost data goes away: Unknown, and nothing is released on missing data
        OpenCostPrometheus gone = prom;
        prom = null;
        gone.close();
        CloudCostBudget blind = await(Duration.ofSeconds(30), () -> ccb("monthly"), x -> Conditions
                .get(x.getStatus().conditions, "WithinBudget").map(c -> "Unknown".equals(c.getStatus())).orElse(false));
        assertThat(blind.getStatus().action).isEqualTo("capReplicas,shiftTraffic,pauseExperiments");
        // capped at 3 and shifted 10/90: eks-prod's share of the cap is 1, aks-prod's 3
        assertThat(hpa(eks.client()).getSpec().getMaxReplicas()).isEqualTo(1);
        assertThat(hpa(aks.client()).getSpec().getMaxReplicas()).isEqualTo(3);

        // a new month releases every action, with no data yet to say otherwise
        clock.advance(Duration.between(clock.instant(), end.plusSeconds(3600)));
        CloudCostBudget released = awaitActions("monthly", "none");
        assertThat(released.getStatus().periodStart).isEqualTo(end.toString());
        awaitEvent("monthly", "Normal", "NewPeriod");
        await(Duration.ofSeconds(30), () -> hpa(eks.client()).getSpec().getMaxReplicas(), max -> max == 7);
        await(Duration.ofSeconds(30), () -> rm("retail-recs"), r -> r.getStatus().budget == null
                && status(r, "eks-prod").effectiveWeight == 70);
        awaitEvent("retail-recs", "Normal", "BudgetActionReleased");
    }

    @Test
    void unreachablePrometheusIsUnknownAndTakesNoAction() {
        client.resource(budget("blind", "http://127.0.0.1:1", 500)).inNamespace(NS).create();
        CloudCostBudget b = await(Duration.ofSeconds(30), () -> ccb("blind"), x -> x.getStatus() != null
                && Conditions.get(x.getStatus().conditions, "WithinBudget").map(c -> "Unknown".equals(c.getStatus()))
                .orElse(false) && Conditions.get(x.getStatus().conditions, Conditions.READY)
                .map(c -> "CostDataUnavailable".equals(c.getReason()) && c.getMessage().contains("127.0.0.1:1"))
                .orElse(false));
        assertThat(b.getStatus().actions).isNull();
        assertThat(b.getStatus().action).isEqualTo("none");
        assertThat(b.getStatus().spentUSD).isNull();
        awaitEvent("blind", "Warning", "CostDataUnavailable");
    }
}
