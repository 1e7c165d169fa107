package io.recoflow.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void splitsQuotedFieldsWithCommasAndDoubledQuotes() {
        // a real Online Retail row shape: the description holds a comma and a quoted word
        String line = "536365,85123A,\"WHITE HANGING HEART, \"\"T-LIGHT\"\" HOLDER\",6,12/1/2010 8:26,2.55,17850,United Kingdom";
        assertThat(Csv.split(line)).containsExactly("536365", "85123A", "WHITE HANGING HEART, \"T-LIGHT\" HOLDER", "6",
                "12/1/2010 8:26", "2.55", "17850", "United Kingdom");
    }

    @Test
    void keepsEmptyFieldsAndFlagsAnOpenQuote() {
        assertThat(Csv.split("a,,c,")).containsExactly("a", "", "c", "");
        assertThat(Csv.split("a,\"never closed")).isNull();
    }
}
