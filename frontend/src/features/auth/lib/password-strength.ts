/**
 * A hint, not a gate: the server has the final word (minimum length, common passwords).
 * Scores 0–4 from length, variety and obvious patterns.
 */
export const MIN_PASSWORD_LENGTH = 10;

export type StrengthLabel = "Too short" | "Weak" | "Fair" | "Good" | "Strong";

export interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  label: StrengthLabel;
  hint: string;
}

const COMMON = [
  "password", "123456", "qwerty", "letmein", "welcome", "admin", "iloveyou", "monkey",
  "dragon", "football", "baseball", "sunshine", "princess", "abc123", "111111", "000000",
  "passw0rd", "trustno1", "master", "superman", "starwars", "whatever", "letsgrow",
];

function hasSequence(password: string): boolean {
  const lower = password.toLowerCase();
  const runs = ["abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm"];
  for (let i = 0; i + 4 <= lower.length; i++) {
    const chunk = lower.slice(i, i + 4);
    if (runs.some((run) => run.includes(chunk))) return true;
  }
  return false;
}

export function passwordStrength(password: string, email = ""): Strength {
  if (password.length < MIN_PASSWORD_LENGTH) {
    const left = MIN_PASSWORD_LENGTH - password.length;
    return { score: 0, label: "Too short", hint: `Add ${left} more character${left === 1 ? "" : "s"} (at least ${MIN_PASSWORD_LENGTH}).` };
  }
  const lower = password.toLowerCase();
  const local = email.split("@", 1)[0]?.toLowerCase() ?? "";
  if (COMMON.some((word) => lower.includes(word)) || (local.length >= 3 && lower.includes(local))) {
    return { score: 1, label: "Weak", hint: "Avoid common words and your email name: they are guessed first." };
  }
  if (/^(.)\1+$/.test(password) || new Set(password).size < 5) {
    return { score: 1, label: "Weak", hint: "Use more different characters." };
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  let points = 0;
  if (password.length >= 12) points++;
  if (password.length >= 16) points++;
  if (classes >= 2) points++;
  if (classes >= 3) points++;
  if (hasSequence(password)) points--;
  if (points >= 3) return { score: 4, label: "Strong", hint: "Great: long and varied." };
  if (points === 2) return { score: 3, label: "Good", hint: "Good. A few more characters make it stronger." };
  if (points === 1) return { score: 2, label: "Fair", hint: "Longer is stronger: try a short phrase of unrelated words." };
  return { score: 1, label: "Weak", hint: "Mix in more characters, or use a phrase of several unrelated words." };
}
