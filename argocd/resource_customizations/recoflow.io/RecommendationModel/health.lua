-- Argo CD health of a recoflow.io RecommendationModel (resource.customizations.health.recoflow.io_RecommendationModel).
-- Argo CD runs this on gopher-lua with only the base, table and (safe) os libraries: Lua 5.1, no string or math
-- library, no goto. The rules, first match wins:
--   1. no status, or status.observedGeneration behind metadata.generation: Progressing (the status is stale)
--   2. Ready=False with reason InvalidSpec or ApplyFailed: Degraded. The last valid rollout keeps serving, but what
--      Argo CD synced is not what runs, so it must not look healthy
--   3. Degraded=True (RolledBack, AnalysisFailed, SloBreachDemoted, ProgressDeadlineExceeded, UpdateStalled,
--      Unavailable), or phase Failed: Degraded
--   4. phase Pending (Ready=False, NoProductionVersion): Suspended. Nothing is broken and the operator has nothing
--      to do: the model waits for a person to promote a ModelVersion. Argo CD's word for waiting-on-a-human is
--      Suspended (a paused Rollout, a suspended CronJob); Progressing would claim work is under way and keep the
--      application "Progressing" (and any "stuck progressing" alert firing) until someone promotes a version. Like
--      Progressing, Suspended does not count as done for sync waves and hooks
--   5. phase RollingOut or Deploying, or Progressing=True (a pod-template update): Progressing
--   6. Ready=True: Healthy
--   7. anything else (Ready=False for another reason, no Ready yet): Progressing with the operator's words
-- With a placement over several clusters (status.clusters present) the same rules apply to the summary conditions,
-- and the messages add where: Healthy "serving version N on 2/2 clusters" (status.clustersReady); a sequential
-- rollout names the cluster its canary steps run on (status.rolloutCluster, an index into spec.placement.clusters);
-- a Degraded model that still serves says so ("...; serving version N on 1/2 clusters").
-- A failed-over cluster (Degraded=True, reason ClusterFailover, naming the cluster) is Degraded by rule 3 even while
-- Ready=True because the other clusters serve every request. That is Argo CD's convention (any failing part makes
-- the resource, and its application, Degraded: a Deployment short of replicas is Degraded although the rest serve)
-- and the case needs a person: one member is down, the model runs without its second cluster and on the others'
-- capacity. Healthy with a message would hide it: Argo CD's application view, notifications and sync waves act on
-- the status, not the message. The weights come back by themselves once the cluster serves again.
local hs = {}

local function condition(ctype)
  if obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == ctype then
      return c
    end
  end
  return nil
end

local function says(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c ~= nil and c.reason ~= nil then
    return c.reason
  end
  return fallback
end

-- "; serving version N on 1/2 clusters" while Ready=True over a multi-cluster placement, else ""
local function stillServing(ready)
  if obj.status.clustersReady == nil or ready == nil or ready.status ~= "True" then
    return ""
  end
  return "; serving version " .. tostring(obj.status.servingVersion) .. " on " .. obj.status.clustersReady
      .. " clusters"
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
local ready = condition("Ready")
local progressing = condition("Progressing")
local degraded = condition("Degraded")

if ready ~= nil and ready.status == "False" and (ready.reason == "InvalidSpec" or ready.reason == "ApplyFailed") then
  hs.status = "Degraded"
  hs.message = says(ready, ready.reason)
  return hs
end

if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = says(degraded, "Degraded") .. stillServing(ready)
  return hs
end
if phase == "Failed" then
  hs.status = "Degraded"
  hs.message = says(ready, "the first version did not become available")
  return hs
end

if phase == "Pending" then
  hs.status = "Suspended"
  hs.message = says(ready, "no ModelVersion with stage production is ready")
      .. "; promote one: spec.stage: production on a ModelVersion with spec.modelRef: " .. obj.metadata.name
  return hs
end

if phase == "RollingOut" then
  hs.status = "Progressing"
  hs.message = "rolling out version " .. tostring(obj.status.candidateVersion)
  if obj.status.canaryWeight ~= nil then
    hs.message = hs.message .. " at " .. tostring(obj.status.canaryWeight) .. "% of traffic"
  end
  if obj.status.rolloutStep ~= nil then
    hs.message = hs.message .. " (step " .. tostring(obj.status.rolloutStep + 1)
    if obj.spec.rollout ~= nil and obj.spec.rollout.steps ~= nil then
      hs.message = hs.message .. " of " .. tostring(#obj.spec.rollout.steps)
    end
    hs.message = hs.message .. ")"
  end
  local placed = obj.spec.placement
  if obj.status.rolloutCluster ~= nil and placed ~= nil and placed.clusters ~= nil then
    local cluster = placed.clusters[obj.status.rolloutCluster + 1]
    if cluster ~= nil then
      hs.message = hs.message .. " on cluster " .. cluster.name .. " (" .. tostring(obj.status.rolloutCluster + 1)
          .. " of " .. tostring(#placed.clusters) .. ")"
    end
  end
  return hs
end
if phase == "Deploying" then
  hs.status = "Progressing"
  hs.message = "deploying version " .. tostring(obj.status.servingVersion)
  return hs
end
if progressing ~= nil and progressing.status == "True" then
  hs.status = "Progressing"
  hs.message = says(progressing, "Progressing")
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  if phase == "Serving" and obj.status.servingVersion ~= nil then
    hs.message = "serving version " .. tostring(obj.status.servingVersion)
    if obj.status.clustersReady ~= nil then
      hs.message = hs.message .. " on " .. obj.status.clustersReady .. " clusters"
    end
  else
    hs.message = says(ready, "Ready")
  end
  return hs
end

hs.status = "Progressing"
hs.message = says(ready, "waiting for the operator to report Ready")
return hs
