-- Argo CD health of a recoflow.io ClusterTarget (resource.customizations.health.recoflow.io_ClusterTarget).
-- Argo CD runs this on gopher-lua with only the base, table and (safe) os libraries: Lua 5.1, no string or math
-- library, no goto. The operator probes the member's API server (GET /version with the kubeconfig from
-- spec.kubeconfigSecretRef) and writes the Reachable condition. The rules, first match wins:
--   1. no status, or status.observedGeneration behind metadata.generation: Progressing (the status is stale)
--   2. no Reachable condition yet, or Reachable=Unknown: Progressing. A target the operator has not probed yet is
--      work under way, not a failure: the first probe turns it Healthy or Degraded (one that stays here means the
--      operator is not reconciling ClusterTargets)
--   3. Reachable=False with reason SecretNotFound or KubeconfigInvalid: Degraded, the message saying where the
--      Secret comes from. A configuration problem in the hub (the Secret is missing, or its key holds no usable
--      kubeconfig) that waiting will not fix; the Pulumi stacks' clusterTargetSecret output is that Secret
--   4. Reachable=False for any other reason (Unreachable: refused, timed out, TLS or auth error): Degraded with the
--      probe's error. Models placed on it fail over to their other clusters after placement.failover.afterSeconds
--   5. Reachable=True: Healthy, with the member's Kubernetes version ("v1.32.4 reachable")
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

local reachable = nil
if obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Reachable" then
      reachable = c
    end
  end
end

local function says(c, fallback)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c.reason ~= nil and c.reason ~= "" then
    return c.reason
  end
  return fallback
end

if reachable == nil or reachable.status == "Unknown" then
  hs.status = "Progressing"
  hs.message = "waiting for the first probe of the member's API server"
  if reachable ~= nil then
    hs.message = says(reachable, hs.message)
  end
  return hs
end

if reachable.status == "False" then
  hs.status = "Degraded"
  if reachable.reason == "SecretNotFound" or reachable.reason == "KubeconfigInvalid" then
    hs.message = says(reachable, reachable.reason)
        .. " (hub configuration: the Secret is the Pulumi stack's clusterTargetSecret output)"
  else
    hs.message = says(reachable, "the member's API server did not answer")
  end
  return hs
end

hs.status = "Healthy"
if obj.status.kubernetesVersion ~= nil and obj.status.kubernetesVersion ~= "" then
  hs.message = obj.status.kubernetesVersion .. " reachable"
else
  hs.message = says(reachable, "reachable")
end
return hs
