package io.recoflow.operator.model.rollout;

import io.recoflow.operator.api.spec.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * Which slots exist for a state. Canary keeps one Deployment (the active slot) that loads both versions, with
 * version labels {@code stable}/{@code canary} and the canary weight as the routing contract. Blue-green brings up
 * the candidate alone in the idle slot; the Service moves to it once it is available.
 */
public record ServingPlan(String activeSlot, List<SlotPlan> slots) {

    public static ServingPlan of(RolloutState s, Strategy strategy) {
        List<SlotPlan> slots = new ArrayList<>();
        if (s.serving() == null) {
            return new ServingPlan(s.activeSlot(), slots);
        }
        if (s.rollingOut() && strategy == Strategy.CANARY) {
            int weight = s.weight() == null ? 0 : s.weight();
            slots.add(new SlotPlan(s.activeSlot(), s.candidateUri(), List.of(s.serving(), s.candidate()),
                    s.serving(), s.candidate(), weight));
        } else {
            slots.add(new SlotPlan(s.activeSlot(), s.servingUri(), List.of(s.serving()), s.serving(), null, 0));
        }
        if (s.rollingOut() && strategy == Strategy.BLUE_GREEN) {
            slots.add(new SlotPlan(s.idleSlot(), s.candidateUri(), List.of(s.candidate()), s.candidate(), null, 0));
        }
        return new ServingPlan(s.activeSlot(), List.copyOf(slots));
    }

    /**
     * The same plan with {@code extra} versions loaded by the active slot next to its stable one (an experiment's
     * variants). Only outside a rollout: a rollout and an experiment never share a model (see Routing).
     */
    public ServingPlan withVersions(List<Long> extra) {
        SlotPlan a = active();
        if (extra.isEmpty() || a == null || a.canary() != null || slots.size() > 1) {
            return this;
        }
        java.util.TreeSet<Long> all = new java.util.TreeSet<>(a.versions());
        all.addAll(extra);
        SlotPlan wider = new SlotPlan(a.slot(), a.uri(), List.copyOf(all), a.stable(), null, 0);
        return new ServingPlan(activeSlot, List.of(wider));
    }

    public SlotPlan active() {
        return slots.stream().filter(p -> p.slot().equals(activeSlot)).findFirst().orElse(null);
    }

    public SlotPlan slot(String name) {
        return slots.stream().filter(p -> p.slot().equals(name)).findFirst().orElse(null);
    }
}
