package io.recoflow.operator.api.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs an Argo CD {@code health.lua} on the real Lua 5.1 interpreter ({@code lua5.1} on PATH, or the program named
 * by {@code -Drecoflow.lua=...}) the way Argo CD does: the object as the global {@code obj}, converted from JSON as
 * Argo CD converts it (objects and arrays become tables, null becomes nil), and only what Argo CD's VM offers
 * (base and table libraries, {@code os.time}/{@code os.date}; no string, math or io library, no string methods).
 * A scenario test judges a status the operator wrote with {@code evaluate(script(repoRoot, rm), rm)}.
 */
public final class LuaHealth {
    /** The statuses Argo CD accepts from a health script. */
    public static final Set<String> STATUSES = Set.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing",
            "Unknown");
    static final String LUA = System.getProperty("recoflow.lua", "lua5.1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERROR = "lua-error";

    private LuaHealth() {}

    /** What Argo CD would show for the object: a status from {@link #STATUSES} and a message ("" when none). */
    public record Verdict(String status, String message) {
        @Override
        public String toString() {
            return status + ": " + message;
        }
    }

    /** {@code argocd/resource_customizations/<group>/<Kind>/health.lua} under the repository root. */
    public static Path script(Path repoRoot, String group, String kind) {
        return repoRoot.resolve("argocd/resource_customizations").resolve(group).resolve(kind).resolve("health.lua");
    }

    /** The script Argo CD would pick for this resource (by its apiVersion's group and its kind). */
    public static Path script(Path repoRoot, HasMetadata resource) {
        String apiVersion = resource.getApiVersion();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return script(repoRoot, group, resource.getKind());
    }

    /** Serialises the resource as the API server would return it, then evaluates that. */
    public static Verdict evaluate(Path healthLua, HasMetadata resource) {
        return evaluate(healthLua, JSON.<JsonNode>valueToTree(resource));
    }

    public static Verdict evaluate(Path healthLua, JsonNode object) {
        String body;
        try {
            body = Files.readString(healthLua);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + healthLua, e);
        }
        String program = "obj = " + toLua(object) + "\n"
                + "local emit = io.write\n"
                // Argo CD opens only base, table and a safe os (time, date): nothing else may be relied on
                + "local safeOs = { time = os.time, date = os.date }\n"
                + "getmetatable('').__index = nil\n"
                + "string, math, io, debug, coroutine, os = nil, nil, nil, nil, nil, safeOs\n"
                + "local function health()\n" + body + "\nend\n"
                + "local ok, hs = pcall(health)\n"
                + "if not ok then emit('" + luaEscape(ERROR) + "\\n', tostring(hs)) return end\n"
                + "if type(hs) ~= 'table' then emit('" + luaEscape(ERROR) + "\\n', 'expected a table, got ', type(hs))"
                + " return end\n"
                + "emit(tostring(hs.status), '\\n', hs.message == nil and '' or tostring(hs.message))\n";
        String out = run(program, healthLua);
        int nl = out.indexOf('\n');
        String status = nl < 0 ? out : out.substring(0, nl);
        String message = nl < 0 ? "" : out.substring(nl + 1);
        if (status.equals(ERROR)) {
            throw new IllegalStateException(healthLua + " failed: " + message);
        }
        if (!STATUSES.contains(status)) {
            throw new IllegalStateException(healthLua + " returned status '" + status + "' (Argo CD accepts "
                    + STATUSES + ")");
        }
        return new Verdict(status, message);
    }

    private static String run(String program, Path healthLua) {
        Path file = null;
        try {
            file = Files.createTempFile("health-", ".lua");
            Files.writeString(file, program);
            Process p;
            try {
                p = new ProcessBuilder(LUA, file.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException(LUA + " is not installed (not on PATH: " + System.getenv("PATH")
                        + "). The Argo CD health checks are tested on the real Lua 5.1 interpreter: install it with "
                        + "`apt-get install lua5.1` (.ci/run does), or point -Drecoflow.lua= at one.", e);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(healthLua + " did not finish within 10 s (Argo CD allows 1 s)");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(LUA + " rejected " + healthLua + " (exit " + p.exitValue() + "): "
                        + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    /** A Lua table constructor for a JSON value, as Argo CD's decodeValue builds it (null: nil, absent key). */
    static String toLua(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "nil";
        }
        if (v.isObject()) {
            StringBuilder b = new StringBuilder("{");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    b.append("[\"").append(luaEscape(e.getKey())).append("\"]=").append(toLua(e.getValue()))
                            .append(',');
                }
            }
            return b.append('}').toString();
        }
        if (v.isArray()) {
            StringBuilder b = new StringBuilder("{");
            v.forEach(item -> b.append(toLua(item)).append(','));
            return b.append('}').toString();
        }
        if (v.isBoolean()) {
            return String.valueOf(v.booleanValue());
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.bigIntegerValue().toString() : String.valueOf(v.doubleValue());
        }
        return "\"" + luaEscape(v.asText()) + "\"";
    }

    /** The inside of a double-quoted Lua string: printable ASCII as is, every other byte as a decimal escape. */
    static String luaEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c == '"' || c == '\\') {
                b.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format("\\%03d", c)); // three digits: a following digit is not read as part of it
            }
        }
        return b.toString();
    }

    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, LUA))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of(LUA));
    }
}
