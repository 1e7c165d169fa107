package io.recoflow.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
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

    public static <S, P extends CustomResource<?, S>> UpdateControl<P> write(P resource, Context<P> ctx) {
        S status = resource.getStatus();
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(resource, ctx, fresh -> {
            fresh.setStatus(status);
            return fresh;
        });
        return UpdateControl.noUpdate();
    }
}
