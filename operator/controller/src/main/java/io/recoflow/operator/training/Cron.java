package io.recoflow.operator.training;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/** A CronJob-style schedule (5 fields or a macro, UTC), parsed by cron-utils. */
public final class Cron {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private final ExecutionTime time;

    private Cron(ExecutionTime time) {
        this.time = time;
    }

    /** @throws IllegalArgumentException with the parser's words when the expression is not a schedule */
    public static Cron parse(String expression) {
        String e = MACROS.getOrDefault(expression.trim(), expression.trim());
        return new Cron(ExecutionTime.forCron(PARSER.parse(e)));
    }

    /** The first tick strictly after {@code t}. */
    public Optional<Instant> next(Instant t) {
        return time.nextExecution(t.atZone(ZoneOffset.UTC)).map(z -> z.toInstant());
    }
}
