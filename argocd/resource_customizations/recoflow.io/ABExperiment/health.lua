-- Argo CD health of a recoflow.io ABExperiment (resource.customizations.health.recoflow.io_ABExperiment).
-- Argo CD runs this on gopher-lua with only the base, table and (safe) os libraries: Lua 5.1, no string or math
-- library, no goto. The operator writes status.phase, the Ready and Routing conditions and status.reason (the why,
-- with measured values). The rules, first match wins:
--   1. no status, or status.observedGeneration behind metadata.generation: Progressing (the status is stale)
--   2. phase Stopped (a guardrail breached) or SampleRatioMismatch (the split itself is broken): Degraded, with
--      the measured value. The model serves its production version to everyone again
--   3. Ready=False for a configuration problem (InvalidSpec, ModelNotFound, UnknownModelVersion,
--      ForeignModelVersion, ExperimentConflict: a second experiment on the same model, MetricsUnavailable: the
--      operator cannot read the counts): Degraded with the condition's message; the model keeps serving
--   4. phase Concluded: Healthy, naming the winner and its lift
--   5. phase Inconclusive: Suspended: no significant difference by maxDurationSeconds; a person decides
--   6. phase Running with Routing=True: Healthy ("running: N users, leader ..."). A test that runs as designed for
--      weeks is not "work under way" for Argo CD, which would otherwise hold sync waves on it that long
--   7. anything else (Pending: waiting for the model's rollout, for its versions, or for the split to be served):
--      Progressing with the reason
local hs = {}

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

local st = obj.status
local ready = nil
local routing = nil
if st.conditions ~= nil then
  for _, c in ipairs(st.conditions) do
    if c.type == "Ready" then
      ready = c
    elseif c.type == "Routing" then
      routing = c
    end
  end
end

local function reason(fallback)
  if st.reason ~= nil and st.reason ~= "" then
    return st.reason
  end
  if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
    return ready.message
  end
  return fallback
end

if st.phase == "Stopped" or st.phase == "SampleRatioMismatch" then
  hs.status = "Degraded"
  hs.message = st.phase .. ": " .. reason("no reason given")
  return hs
end

local problems = { InvalidSpec = true, ModelNotFound = true, UnknownModelVersion = true,
  ForeignModelVersion = true, ExperimentConflict = true, MetricsUnavailable = true }
if ready ~= nil and ready.status == "False" and problems[ready.reason] then
  hs.status = "Degraded"
  hs.message = ready.reason .. ": " .. reason(ready.reason)
  return hs
end

local function leader()
  if st.leader == nil then
    return ""
  end
  local s = ", leader " .. st.leader
  if st.leaderLift ~= nil then
    s = s .. " " .. st.leaderLift
  end
  return s
end

if st.phase == "Concluded" then
  hs.status = "Healthy"
  if st.winner ~= nil then
    hs.message = "concluded: winner " .. st.winner
    if st.winner == st.leader and st.leaderLift ~= nil then
      hs.message = hs.message .. " " .. st.leaderLift
    end
  else
    hs.message = "concluded: " .. reason("decided")
  end
  return hs
end

if st.phase == "Inconclusive" then
  hs.status = "Suspended"
  hs.message = "inconclusive: " .. reason("no decision")
  return hs
end

if st.phase == "Running" and routing ~= nil and routing.status == "True" then
  hs.status = "Healthy"
  local users = 0
  if st.users ~= nil then
    users = st.users
  end
  hs.message = "running: " .. tostring(users) .. " users" .. leader()
  return hs
end

hs.status = "Progressing"
hs.message = reason("waiting to start")
return hs
