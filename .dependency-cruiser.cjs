// Import circles fail `npm test` (issue 10): a module pair that needs each other cannot be read, tested or moved
// alone. Type-only imports count too (tsPreCompilationDeps), since they tie the files together just as much.
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import circle: move what both sides need into a third module that neither imports back.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
