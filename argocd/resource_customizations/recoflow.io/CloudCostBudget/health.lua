-- Argo CD health of a recoflow.io CloudCostBudget (resource.customizations.health.recoflow.io_CloudCostBudget).
-- Argo CD runs this on gopher-lua with only the base, table and (safe) os libraries: Lua 5.1, no string or math
-- library, no goto. The operator writes the Ready, WithinBudget and ForecastWithinBudget conditions, the spend and
-- the actions in effect (status.action). The rules, first match wins:
--   1. no status, or status.observedGeneration behind metadata.generation: Progressing (the status is stale)
--   2. Ready=False for a configuration problem (InvalidSpec, UnknownClusterTarget, CredentialsMissing,
--      CredentialsRejected): Degraded with the condition's message
--   3. no cost data yet this period (Ready=False CostDataUnavailable before any successful read): Progressing
--   4. cost data unavailable or stale after it was read (WithinBudget=Unknown): Degraded. Nothing is measured, so
--      nothing is acted on or released: the actions in effect stay as they were (the message lists them)
--   5. WithinBudget=False: Degraded, "over budget: spent $X of $Y", with the actions in effect
--   6. otherwise Healthy, with the spend, the forecast and any actions in effect (a forecast over the limit or an
--      action at 80 % is the budget doing its job, not a failure of the resource)
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
local within = nil
local forecast = nil
if st.conditions ~= nil then
  for _, c in ipairs(st.conditions) do
    if c.type == "Ready" then
      ready = c
    elseif c.type == "WithinBudget" then
      within = c
    elseif c.type == "ForecastWithinBudget" then
      forecast = c
    end
  end
end

local function msg(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

local function actions()
  if st.action ~= nil and st.action ~= "none" then
    return "; actions: " .. st.action
  end
  return ""
end

local config = { InvalidSpec = true, UnknownClusterTarget = true, CredentialsMissing = true,
  CredentialsRejected = true }
if ready ~= nil and ready.status == "False" and config[ready.reason] then
  hs.status = "Degraded"
  hs.message = ready.reason .. ": " .. msg(ready, ready.reason)
  return hs
end

if within == nil or within.status == "Unknown" then
  if st.checkedAt == nil then
    hs.status = "Progressing"
    hs.message = msg(ready, "waiting for the first read of the cost source")
    return hs
  end
  hs.status = "Degraded"
  hs.message = "no fresh cost data: " .. msg(ready, "unknown") .. actions()
  return hs
end

if within.status == "False" then
  hs.status = "Degraded"
  hs.message = "over budget: " .. msg(within, "spend above the limit") .. actions()
  return hs
end

hs.status = "Healthy"
hs.message = msg(within, "within budget")
if forecast ~= nil and forecast.status == "False" then
  hs.message = hs.message .. "; forecast over the limit"
end
hs.message = hs.message .. actions()
return hs
