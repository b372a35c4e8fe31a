/* global document */
/**
 * The agency console: one officer key per tab; issue one certificate through a form generated
 * from its type, issue many from a CSV file, find certificates and change their status.
 */
import { setUpBulkIssue } from "./consoleBulk.js";
import { setUpFind } from "./consoleFind.js";
import { setUpIssueOne } from "./consoleIssue.js";
import { keySignIn } from "./signIn.js";

const session = keySignIn("officer", {
  onSignedIn: () => {
    document.getElementById("issue-type")?.focus();
  },
});
setUpIssueOne(session);
setUpBulkIssue(session);
setUpFind(session);
