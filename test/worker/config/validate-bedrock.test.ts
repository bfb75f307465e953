import { describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../../src/config/types";
import { validateConfig } from "../../../src/config/validate";

function onlyProvider(entry: Record<string, unknown>): ProviderConfig {
  const result = validateConfig({ model_providers: [entry] });
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join("\n")}`);
  const [provider] = result.config.providers;
  if (!provider) throw new Error("no provider");
  return provider;
}

function errors(...entries: Record<string, unknown>[]): string[] {
  const result = validateConfig({ model_providers: entries });
  if (result.ok) throw new Error("expected errors, the config validated");
  return result.errors;
}

const SIGV4 = { access_key: "$AWS_ACCESS_KEY_ID", aws_secret_access_key: "$AWS_SECRET_ACCESS_KEY" };

describe("amazon_bedrock entries", () => {
  it("Plano's form: a bearer key and the regional base_url, whose host gives the region", () => {
    const p = onlyProvider({
      model: "amazon_bedrock/us.amazon.nova-pro-v1:0",
      access_key: "$AWS_BEARER_TOKEN_BEDROCK",
      base_url: "https://bedrock-runtime.us-west-2.amazonaws.com/",
    });
    expect(p).toMatchObject({
      provider: "amazon_bedrock",
      model: "us.amazon.nova-pro-v1:0",
      interface: "openai",
      wire: "bedrock",
      otelName: "aws.bedrock",
      baseUrl: "https://bedrock-runtime.us-west-2.amazonaws.com",
      bedrock: { region: "us-west-2", secretAccessKey: undefined, sessionToken: undefined },
    });
  });

  it("SigV4 with a region and no base_url: the region's runtime endpoint", () => {
    const p = onlyProvider({ model: "amazon_bedrock/*", region: "eu-central-1", ...SIGV4, aws_session_token: "${AWS_SESSION_TOKEN}" });
    expect(p.baseUrl).toBe("https://bedrock-runtime.eu-central-1.amazonaws.com");
    expect(p.bedrock).toEqual({ region: "eu-central-1", secretAccessKey: "$AWS_SECRET_ACCESS_KEY", sessionToken: "${AWS_SESSION_TOKEN}" });
  });

  it("reads the region from FIPS and VPC endpoint hosts; region wins over the host", () => {
    const fips = onlyProvider({ model: "amazon_bedrock/a", base_url: "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com", ...SIGV4 });
    expect(fips.bedrock?.region).toBe("us-gov-west-1");
    const vpce = onlyProvider({ model: "amazon_bedrock/a", base_url: "https://vpce-0abc.bedrock-runtime.ap-south-1.vpce.amazonaws.com", ...SIGV4 });
    expect(vpce.bedrock?.region).toBe("ap-south-1");
    const both = onlyProvider({ model: "amazon_bedrock/a", base_url: "https://bedrock-runtime.us-east-1.amazonaws.com", region: "us-east-2", ...SIGV4 });
    expect(both.bedrock?.region).toBe("us-east-2");
  });

  it("names the key that is missing or wrong", () => {
    expect(errors({ model: "amazon_bedrock/a", access_key: "$K" })).toEqual([
      'model_providers[0].region: required for amazon_bedrock without a base_url (e.g. "us-east-1")',
    ]);
    expect(errors({ model: "amazon_bedrock/a", base_url: "https://bedrock-proxy.internal.example", ...SIGV4 })).toEqual([
      "model_providers[0].region: required for SigV4 when the base_url host does not name the region",
    ]);
    expect(errors({ model: "amazon_bedrock/a", region: "us-east-1", aws_secret_access_key: "$S" })).toEqual([
      "model_providers[0].access_key: required with aws_secret_access_key: the access key id (e.g. $AWS_ACCESS_KEY_ID)",
    ]);
    expect(errors({ model: "amazon_bedrock/a", region: "us-east-1", access_key: "$K", aws_session_token: "$T" })).toEqual([
      "model_providers[0].aws_session_token: only with aws_secret_access_key (SigV4)",
    ]);
    expect(errors({ model: "amazon_bedrock/a", region: "Frankfurt", access_key: "$K", aws_secret_access_key: "${S" })).toEqual([
      'model_providers[0].aws_secret_access_key: malformed secret reference; write $NAME or ${NAME}',
      'model_providers[0].region: expected an AWS region such as "us-east-1", got "Frankfurt"',
    ]);
  });

  it("refuses the Bedrock keys on other providers", () => {
    expect(errors({ model: "openai/gpt-4o", region: "us-east-1", aws_session_token: "$T" })).toEqual([
      'model_providers[0].aws_session_token: only for amazon_bedrock providers, not "openai"',
      'model_providers[0].region: only for amazon_bedrock providers, not "openai"',
    ]);
  });
});
