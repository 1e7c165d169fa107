-- Argo CD health of a recoflow.io TrainingSchedule (resource.customizations.health.recoflow.io_TrainingSchedule).
-- Argo CD runs this on gopher-lua with only the base, table and (safe) os libraries: Lua 5.1, no string or math
-- library, no goto. The operator writes Ready, Progressing (a run is active) and status.lastRun. The rules, first
-- match wins:
--   1. no status, or status.observedGeneration behind metadata.generation: Progressing (the status is stale)
--   2. Ready=False (InvalidSpec, ModelNotFound): Degraded with the condition's message
--   3. the last run Failed (its Job used up its backoffLimit): Degraded with the trainer's message. The next run
--      (schedule or trigger) clears it
--   4. otherwise Healthy: a schedule between runs, a run in progress (a nightly Job is routine work, not something
--      for Argo CD's sync waves to wait on) or a challenger that did not pass the gate (an answer, not a failure);
--      the message says which
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
if st.conditions ~= nil then
  for _, c in ipairs(st.conditions) do
    if c.type == "Ready" then
      ready = c
    end
  end
end

if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = tostring(ready.reason) .. ": " .. tostring(ready.message)
  return hs
end

local run = st.lastRun
if run ~= nil and run.result == "Failed" then
  hs.status = "Degraded"
  hs.message = "run " .. tostring(run.version) .. " failed: " .. tostring(run.message)
  return hs
end

hs.status = "Healthy"
if run == nil then
  hs.message = "no run yet"
elseif run.result == "Running" then
  hs.message = "run " .. tostring(run.version) .. " is training (" .. tostring(run.trigger) .. ")"
elseif run.result == "GateFailed" then
  hs.message = "run " .. tostring(run.version) .. ": the challenger did not pass the gate"
else
  hs.message = "run " .. tostring(run.version) .. ": challenger registered"
end
if st.nextRun ~= nil then
  hs.message = hs.message .. "; next run " .. st.nextRun
end
return hs
