import { expect } from "chai";
import { RemoteFetchError, resolveChecked } from "../../server/services/federation/remoteFetch.ts";

const refused = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof RemoteFetchError) return error.code;
    throw error;
  }
  return "accepted";
};

describe("federation: the address a listed origin is fetched from", () => {
  it("connects to an IP literal as listed, loopback and private included, never to unspecified, link-local or multicast", async () => {
    expect(await resolveChecked("127.0.0.1")).to.equal("127.0.0.1");
    expect(await resolveChecked("10.1.2.3")).to.equal("10.1.2.3");
    expect(await resolveChecked("[::1]")).to.equal("::1");
    for (const address of ["0.0.0.0", "169.254.169.254", "224.0.0.1", "[fe80::1]", "[::]"])
      expect(await refused(() => resolveChecked(address)), address).to.equal("ADDRESS_REFUSED");
  });

  it("resolves a name once and refuses it when any of its addresses is loopback or link-local (DNS rebinding)", async () => {
    let lookups = 0;
    const resolver = (addresses: string[]) => () => {
      lookups += 1;
      return Promise.resolve(addresses);
    };
    expect(await resolveChecked("cert.tianjin.example", resolver(["10.20.30.40", "10.20.30.41"]))).to.equal(
      "10.20.30.40",
    );
    expect(lookups).to.equal(1);
    expect(await refused(() => resolveChecked("cert.evil.example", resolver(["203.0.113.5", "127.0.0.1"])))).to.equal(
      "ADDRESS_REFUSED",
    );
    expect(await refused(() => resolveChecked("meta.evil.example", resolver(["169.254.169.254"])))).to.equal(
      "ADDRESS_REFUSED",
    );
    expect(await refused(() => resolveChecked("nothing.example", resolver([])))).to.equal("NETWORK");
  });
});
