import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { holderStoreBehaviour } from "./holderStore.behaviour.ts";

describe("store: SQLite holder store", () => {
  holderStoreBehaviour(() => {
    const sqlite = SqliteStore.open(":memory:");
    return Promise.resolve({
      store: sqlite.holder,
      certificate: (id: string) =>
        sqlite.insertCertificates([
          {
            id,
            agencyId: 1,
            type: "driving-licence",
            typeId: 5,
            leaf: `0x${id.padStart(64, "0")}`,
            document: {},
            supersedes: null,
            issuedByKey: "k",
            createdAt: new Date(0).toISOString(),
          },
        ]),
      close: () => sqlite.close(),
    });
  });
});
