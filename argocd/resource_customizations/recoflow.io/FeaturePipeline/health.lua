-- Argo CD health of a recoflow.io FeaturePipeline (resource.customizations.health.recoflow.io_FeaturePipeline).
-- Argo CD runs this on gopher-lua with only the base, table and (safe) os libraries: Lua 5.1, no string or math
-- library, no goto. The operator writes TopicsReady, WorkersReady, Fresh and Ready (computed from the other three).
-- The rules, first match wins:
--   1. no status, or status.observedGeneration behind metadata.generation: Progressing (the status is stale)
--   2. Ready=False because of the spec (InvalidSpec): Degraded with the condition's message
--   3. TopicsReady=False: Progressing while the Strimzi Topic Operator has not answered yet
--      (WaitingForTopicOperator), else Degraded (Kafka unreachable, or it refused a topic: its message)
--   4. WorkersReady=False: Progressing (the collector, worker or sink Deployment is coming up; Argo CD shows each
--      Deployment's own health)
--   5. Fresh=False (events wait and the newest applied one is older than freshness.maxSeconds) or Unknown (Kafka
--      or Redis could not be read): Degraded with the condition's message
--   6. otherwise Healthy, with the lag and the age of the newest applied event
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
local conds = {}
if st.conditions ~= nil then
  for _, c in ipairs(st.conditions) do
    conds[c.type] = c
  end
end

local function says(c)
  return tostring(c.reason) .. ": " .. tostring(c.message)
end

local ready = conds["Ready"]
if ready ~= nil and ready.status == "False" and ready.reason == "InvalidSpec" then
  hs.status = "Degraded"
  hs.message = says(ready)
  return hs
end

local topics = conds["TopicsReady"]
if topics ~= nil and topics.status ~= "True" then
  if topics.reason == "WaitingForTopicOperator" then
    hs.status = "Progressing"
  else
    hs.status = "Degraded"
  end
  hs.message = says(topics)
  return hs
end

local workers = conds["WorkersReady"]
if workers ~= nil and workers.status ~= "True" then
  hs.status = "Progressing"
  hs.message = says(workers)
  return hs
end

local fresh = conds["Fresh"]
if fresh ~= nil and fresh.status ~= "True" then
  hs.status = "Degraded"
  hs.message = says(fresh)
  return hs
end

if ready == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the operator"
  return hs
end

hs.status = "Healthy"
local lag = "unknown"
if st.lag ~= nil and st.lag.total ~= nil then
  lag = tostring(st.lag.total)
end
hs.message = "lag " .. lag
if st.freshness ~= nil and st.freshness.ageSeconds ~= nil then
  hs.message = hs.message .. ", newest applied event " .. tostring(st.freshness.ageSeconds) .. "s old"
end
return hs
