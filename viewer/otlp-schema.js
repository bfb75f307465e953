// @ts-check
// The OTLP message types the receiver decodes and answers with: the official schema (otlp-protos.js) parsed by
// protobufjs at start-up; field names become lowerCamelCase, as in OTLP JSON.
import protobuf from "protobufjs";
import { OTLP_METRICS_PROTOS } from "./otlp-metrics-protos.js";
import { OTLP_PROTOS } from "./otlp-protos.js";

const root = new protobuf.Root();
for (const proto of [...OTLP_PROTOS, ...OTLP_METRICS_PROTOS]) protobuf.parse(proto, root);
root.resolveAll();

export const ExportTraceServiceRequest = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
export const ExportTraceServiceResponse = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse");
export const RpcStatus = root.lookupType("google.rpc.Status");
export const ExportMetricsServiceRequest = root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest");
export const ExportMetricsServiceResponse = root.lookupType("opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse");
