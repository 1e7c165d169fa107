package io.recoflow.operator.core;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Writes the status subresource (never spec). Rollout state lives in status, so the next reconcile must see what
 * this one wrote: update with optimistic locking and keep the result in JOSDK's overlay cache. A plain
 * {@code UpdateControl.patchStatus} can be followed by a reconcile of the stale cached object, which would replay
 * an old step (seen in the tests under load).
 */
public final class StatusWriter {
    private StatusWriter() {}

    /** What the status looked like when the reconcile started; {@link #write} skips the call when unchanged. */
    public static String snapshot(CustomResource<?, ?> resource) {
        return Serialization.asJson(resource.getStatus());
    }

    public static <S, P extends CustomResource<?, S>> UpdateControl<P> write(P resource, String before,
            Context<P> ctx) {
        S status = resource.getStatus();
        if (Serialization.asJson(status).equals(before)) {
            return UpdateControl.noUpdate();
        }
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(resource, ctx, fresh -> {
            fresh.setStatus(status);
            return fresh;
        });
        return UpdateControl.noUpdate();
    }
}
