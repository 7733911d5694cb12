// Salesforce's lint setup for sf plugins: their TypeScript style rules plus the sf-plugin rules for commands and flags.
// eslint-config-salesforce-license is deliberately not extended, so its header/header rule is off: that rule requires
// Salesforce's own copyright header on every file, and this project is not Salesforce's code.
module.exports = {
  root: true,
  extends: ['eslint-config-salesforce-typescript', 'plugin:sf-plugin/recommended'],
  parserOptions: {
    project: ['./tsconfig.json'],
    tsconfigRootDir: __dirname,
  },
  rules: {
    // Strings from the org and from users use '' for "none" (an unnamed component type, a blank flag), so `||` on them is meant.
    '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
    // Versions are chosen where connections are used: the bundle's for deploy, the org's own for every read.
    'sf-plugin/get-connection-with-version': 'off',
    // Commands extend PluginCommand, an SfCommand that adds no flags (none to spread; sf's own base flags come through
    // oclif's baseFlags) and only gives errors thrown while parsing the command line exit code 2.
    'sf-plugin/only-extend-SfCommand': 'off',
    'sf-plugin/spread-base-flags': 'off',
    // Unicode code points are written as the Unicode tables print them (0x1b000), not in groups of two digits.
    'unicorn/numeric-separators-style': ['warn', { hexadecimal: { onlyIfContainsSeparator: true } }],
  },
};
