import { CX } from "./cx";
import { useCx } from "./useCx";

/** Tracks a purchase and asks for a score: one component using cxkit. */
function BuyButton() {
  const cx = useCx(CX);
  return (
    <button
      type="button"
      disabled={!cx}
      onClick={() => {
        cx?.track("purchase", { plan: "pro", amount: 49 });
        cx?.showSurvey("checkout");
      }}
    >
      Buy
    </button>
  );
}

/** Another component using the hook: the same instance, the same stream of events. */
function HelpLink() {
  const cx = useCx(CX);
  return (
    <a href="#help" onClick={() => cx?.track("help_opened", {})}>
      Help
    </a>
  );
}

export function App() {
  return (
    <main>
      <h1>Checkout</h1>
      <BuyButton />
      <HelpLink />
    </main>
  );
}
