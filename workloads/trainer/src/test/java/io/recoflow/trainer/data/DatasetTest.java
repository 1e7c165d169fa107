package io.recoflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recoflow.trainer.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir
    Path dir;

    @Test
    void onlineRetailRowsAreCountedPerReason() throws IOException {
        Path f = dir.resolve("retail.csv");
        Files.writeString(f, """
                InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
                536365,85123a,"WHITE HANGING HEART T-LIGHT HOLDER, LARGE",6,2010-12-01 08:26:00,2.55,17850,United Kingdom
                536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom
                C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom
                536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom
                536370,POST,POSTAGE,3,2010-12-01 08:45:00,18.0,12583,France
                536370,gift_0001_20,voucher,1,2010-12-01 08:45:00,18.0,12583,France
                536370,DCGSSGIRL,girls party bag,1,2010-12-01 08:45:00,3.3,12583,France
                536370,BANK CHARGES,Bank Charges,1,2010-12-01 08:45:00,15.0,12583,France
                536371,22423,REGENCY CAKESTAND,-2,2010-12-01 09:00:00,12.75,13047,United Kingdom
                536372,22423,broken,row
                536373,22423,REGENCY CAKESTAND,x,2010-12-01 09:00:00,12.75,13047,United Kingdom
                536374,"22423,REGENCY,1,2010-12-01 09:00:00,12.75,13047,United Kingdom
                """);
        Dataset d = Dataset.load(f);
        assertThat(d.report().rows()).isEqualTo(12);
        assertThat(d.report().kept()).isEqualTo(2);
        assertThat(d.report().dropped()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Dataset.CANCELLATION, 1L,
                Dataset.MISSING_CUSTOMER, 1L,
                Dataset.NON_PRODUCT_CODE, 4L,
                Dataset.NON_POSITIVE_QUANTITY, 1L,
                Dataset.MALFORMED, 3L));
        assertThat(d.interactions()).extracting(Interaction::item).containsExactly("85123A", "71053");
        assertThat(d.interactions().get(0).user()).isEqualTo("17850");
        assertThat(d.interactions().get(0).time()).isEqualTo(Times.parse("2010-12-01T08:26:00Z"));
        assertThat(d.sha256()).hasSize(64);
    }

    @Test
    void sampleFileCountsMatchAnIndependentCount() throws IOException {
        // Expected numbers were computed with Python's csv module over the same file and the same rules.
        Dataset d = Dataset.load(TestData.sample());
        assertThat(d.sha256()).isEqualTo("91fff2a993cb7da14e51f0f4d1521967960d8f65865ebb776fd0ddb072c2b959");
        assertThat(d.report().rows()).isEqualTo(40_361);
        assertThat(d.report().kept()).isEqualTo(39_453);
        assertThat(d.report().dropped()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Dataset.CANCELLATION, 752L,
                Dataset.NON_PRODUCT_CODE, 156L));
        assertThat(d.interactions().stream().map(Interaction::user).distinct().count()).isEqualTo(498);
        assertThat(d.interactions().stream().map(Interaction::item).distinct().count()).isEqualTo(2_964);
        assertThat(d.interactions().stream().map(e -> e.user() + "/" + e.item()).collect(Collectors.toSet()))
                .hasSize(28_635);
    }

    @Test
    void genericCsvAcceptsEpochAndIsoTimesAndWeights() throws IOException {
        Path f = dir.resolve("events.csv");
        Files.writeString(f, """
                user,item,timestamp,weight
                u1,a,1700000000,2
                u1,b,2023-11-14T22:13:20Z,
                u2,a,2023-11-14 22:13:20,1.5
                u2,c,2023-11-14,1
                u3,,1700000000,1
                u3,a,yesterday,1
                u3,a,1700000000,-1
                u3,a,1700000000,abc
                u3,a
                """);
        Dataset d = Dataset.load(f);
        assertThat(d.report().kept()).isEqualTo(4);
        assertThat(d.report().dropped()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Dataset.MISSING_FIELD, 1L, Dataset.BAD_TIMESTAMP, 1L, Dataset.BAD_WEIGHT, 2L, Dataset.MALFORMED, 1L));
        assertThat(d.interactions()).extracting(Interaction::time)
                .containsExactly(1_700_000_000L, 1_700_000_000L, 1_700_000_000L, 1_699_920_000L);
        assertThat(d.interactions()).extracting(Interaction::weight).containsExactly(2f, 1f, 1.5f, 1f);
    }

    @Test
    void unknownHeaderIsAClearError() throws IOException {
        Path f = dir.resolve("x.csv");
        Files.writeString(f, "a,b\n1,2\n");
        assertThatThrownBy(() -> Dataset.load(f)).isInstanceOf(IOException.class).hasMessageContaining("unknown header");
    }
}
