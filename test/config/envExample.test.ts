import { readFileSync } from "node:fs";
import { expect } from "chai";
import { ENV_VARIABLES } from "../../server/config/envSchema.ts";

describe(".env.example", () => {
  const text = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
  const listed = [...text.matchAll(/^# ([A-Z_]+)=/gm)].map((match) => match[1]);

  it("lists every variable the configuration reads, and only those", () => {
    expect([...listed].sort()).to.deep.equal([...ENV_VARIABLES].sort());
  });

  it("sets no value: everything stays commented out, no secret ships", () => {
    expect(text).not.to.match(/^[A-Z_]+=/m);
    expect(text).not.to.match(/SIGNER_KEY=\S/);
  });
});
