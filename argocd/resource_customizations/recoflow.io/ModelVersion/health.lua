-- Argo CD health of a recoflow.io ModelVersion (resource.customizations.health.recoflow.io_ModelVersion).
-- Argo CD runs this on gopher-lua with only the base, table and (safe) os libraries: Lua 5.1, no string or math
-- library, no goto. The rules follow status.phase, first match wins:
--   1. no status, or status.observedGeneration behind metadata.generation: Progressing (the status is stale)
--   2. Failed (invalid spec, artifact missing or invalid, registry not configured): Degraded
--   3. RolledBack (its rollout failed; the model went back to the last stable version): Degraded, until the stage
--      changes
--   4. Validating (the registry could not be reached; the operator retries): Progressing
--   5. RollingOut: Progressing
--   6. Pending (its RecommendationModel does not exist): Progressing, not Missing. Missing means "this object is
--      not in the cluster" to Argo CD, and this one is. The usual cause is transient: Argo CD applies the custom
--      resources of one sync wave in name order, so a ModelVersion can reach the operator before its
--      RecommendationModel (or the model lives in a later wave or another application). A modelRef that never
--      resolves stays Progressing and the application never turns Healthy, which is the signal
--   7. Ready, Serving, Archived: Healthy
--   8. anything else (no phase yet): Progressing
local hs = {}

local function message(fallback)
  if obj.status.message ~= nil and obj.status.message ~= "" then
    return obj.status.message
  end
  if obj.status.conditions ~= nil then
    for _, c in ipairs(obj.status.conditions) do
      if c.type == "Ready" and c.message ~= nil and c.message ~= "" then
        return c.message
      end
    end
  end
  return fallback
end

local generation = obj.metadata.generation
if obj.status == nil or (generation ~= nil and (obj.status.observedGeneration == nil
    or obj.status.observedGeneration < generation)) then
  hs.status = "Progressing"
  if generation ~= nil then
    hs.message = "waiting for the operator to observe generation " .. tostring(generation)
  else
    hs.message = "waiting for the operator"
  end
  return hs
end

local phase = obj.status.phase
if phase == "Failed" or phase == "RolledBack" then
  hs.status = "Degraded"
  hs.message = message(phase)
  return hs
end
if phase == "Validating" then
  hs.status = "Progressing"
  hs.message = "validating the artifact: " .. message("waiting for the model registry")
  return hs
end
if phase == "RollingOut" then
  hs.status = "Progressing"
  hs.message = message("rolling out")
  return hs
end
if phase == "Pending" then
  hs.status = "Progressing"
  if obj.spec ~= nil and obj.spec.modelRef ~= nil then
    hs.message = "waiting for RecommendationModel " .. obj.spec.modelRef .. " (not found)"
  else
    hs.message = message("waiting for its RecommendationModel")
  end
  return hs
end
if phase == "Ready" or phase == "Serving" or phase == "Archived" then
  hs.status = "Healthy"
  hs.message = message(phase)
  return hs
end

hs.status = "Progressing"
hs.message = "waiting for the operator to report a phase"
return hs
