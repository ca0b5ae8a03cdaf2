// The rack-gateway CLI (cli.md).
export const CLI_NAME = 'rack-gateway';
