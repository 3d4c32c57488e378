/** Where the grader finds the project it belongs to (the repo, or a Gradescope bundle's course/). */
import * as path from "path";

/** The project root this grader file lives in. */
export const REPO_ROOT = path.resolve(__dirname, "..");
/** The project's Python (the .venv that `npm install` makes): jupyter_client, pyzmq, nbformat. */
export const PYTHON = path.join(REPO_ROOT, ".venv", "bin", "python");
