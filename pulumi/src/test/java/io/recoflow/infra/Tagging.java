package io.recoflow.infra;

import com.pulumi.resources.CustomResource;
import io.recoflow.infra.config.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds resources that accept tags but were registered without env/owner/cost-center. "Taggable" is decided by the
 * provider SDK itself (the resource class has a `tags()` output), so a new resource type cannot slip through.
 */
final class Tagging {
    private Tagging() {}

    static boolean taggable(Object resource) {
        if (!(resource instanceof CustomResource)) return false;
        try {
            resource.getClass().getMethod("tags");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static long taggableCount(StackRun run) {
        return run.objects().stream().filter(Tagging::taggable).count();
    }

    static List<String> untagged(StackRun run, String field, String env) {
        var bad = new ArrayList<String>();
        for (var r : run.objects()) {
            if (!taggable(r) || r.pulumiResourceType().startsWith("pulumi:providers:")) continue;
            var rec = run.named(r.pulumiResourceType(), r.pulumiResourceName());
            Map<String, Object> tags = StackRun.map(rec.inputs().get(field));
            if (!env.equals(tags.get(Tags.ENV)) || isBlank(tags.get(Tags.OWNER)) || isBlank(tags.get(Tags.COST_CENTER))) {
                bad.add(r.pulumiResourceType() + " " + r.pulumiResourceName() + " tags=" + tags);
            }
        }
        return bad;
    }

    private static boolean isBlank(Object o) {
        return o == null || o.toString().isBlank();
    }
}
