import configText from "../gateway.config.yaml";
export default { fetch: () => new Response(String(configText).length + "") };
