package io.recoflow.infra;

import io.recoflow.infra.config.ConfigSource;
import io.recoflow.infra.config.AwsSettings;
import io.recoflow.infra.cost.CostLine;
import io.recoflow.infra.cost.CostModel;
import io.recoflow.infra.cost.CostReport;
import io.recoflow.infra.cost.Prices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** docs/cost.md is generated from the committed stack configs; these tests keep the two from drifting apart. */
class CostReportTest {
    static final Path MODULE = Path.of(".");

    @Test
    void committedCostDocMatchesTheStackConfigsAndPrices() throws Exception {
        var doc = Files.readString(Path.of("..", "docs", "cost.md"));
        var expected = CostReport.replaceBlock(doc, CostReport.render(MODULE));
        assertThat(doc).as("docs/cost.md is stale: run `cd pulumi && mvn -q compile exec:java "
                + "-Dexec.mainClass=io.recoflow.infra.cost.CostReport`").isEqualTo(expected);
    }

    @Test
    void devFitsTheBudgetOnEachCloud() {
        var aws = CostModel.total(CostModel.aws(CostReport.aws(MODULE, "dev")));
        var azure = CostModel.total(CostModel.azure(CostReport.azure(MODULE, "dev")));
        assertThat(aws).isLessThanOrEqualTo(CostModel.DEV_BUDGET_PER_CLOUD);
        assertThat(azure).isLessThanOrEqualTo(CostModel.DEV_BUDGET_PER_CLOUD);
    }

    @Test
    void costsGrowFromDevToStagingToProd() {
        var aws = CostReport.STACKS.stream().map(s -> CostModel.total(CostModel.aws(CostReport.aws(MODULE, s)))).toList();
        var azure = CostReport.STACKS.stream().map(s -> CostModel.total(CostModel.azure(CostReport.azure(MODULE, s)))).toList();
        assertThat(aws).isSortedAccordingTo(Double::compare).doesNotHaveDuplicates();
        assertThat(azure).isSortedAccordingTo(Double::compare).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void linesAreTheConfiguredQuantitiesTimesListPrices(String stack) {
        var s = CostReport.aws(MODULE, stack);
        var lines = CostModel.aws(s);
        assertThat(line(lines, "NAT gateways").monthly()).isCloseTo(s.natGateways() * 730 * Prices.NAT_HOUR, within(1e-9));
        assertThat(line(lines, "MSK brokers").monthly())
                .isCloseTo(s.mskBrokers() * 730 * Prices.MSK_BROKER_HOUR.get(s.mskBrokerType()), within(1e-9));
        assertThat(line(lines, "MSK brokers").formula()).startsWith(s.mskBrokers() + " brokers × 730 h");
        assertThat(line(lines, "RDS PostgreSQL").monthly())
                .isCloseTo((s.rdsMultiAz() ? 2 : 1) * 730 * Prices.RDS_PG_HOUR.get(s.rdsInstanceClass()), within(1e-9));
        assertThat(line(lines, "ElastiCache").formula()).startsWith(s.redisNodes() + " node");
        var az = CostReport.azure(MODULE, stack);
        assertThat(line(CostModel.azure(az), "Spot pool").formula()).startsWith(az.spotMin() + " nodes × 730 h");
        // traffic-driven lines are marked so the doc can say what scales
        assertThat(lines.stream().filter(CostLine::traffic).map(CostLine::item))
                .anyMatch(i -> i.startsWith("Spot")).anyMatch(i -> i.startsWith("NAT data"));
    }

    @Test
    void oneMoreNatGatewayCostsExactlyItsHoursAndIp() {
        var dev = ConfigSource.fromStackFile(MODULE.resolve("aws/Pulumi.dev.yaml"));
        var one = CostModel.total(CostModel.aws(AwsSettings.of(dev)));
        var three = CostModel.total(CostModel.aws(AwsSettings.of(dev.with(Map.of("natGateways", "3")))));
        assertThat(three - one).isCloseTo(2 * 730 * (Prices.NAT_HOUR + Prices.PUBLIC_IPV4_HOUR), within(1e-6));
    }

    @Test
    void anUnpricedInstanceTypeIsAClearError() {
        var dev = ConfigSource.fromStackFile(MODULE.resolve("aws/Pulumi.dev.yaml")).with(Map.of("systemNodeType", "x9.huge"));
        assertThatThrownBy(() -> CostModel.aws(AwsSettings.of(dev)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x9.huge").hasMessageContaining("Prices");
    }

    private static CostLine line(List<CostLine> lines, String prefix) {
        return lines.stream().filter(l -> l.item().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no cost line " + prefix));
    }
}
