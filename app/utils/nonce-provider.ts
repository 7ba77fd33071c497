import { createContext, useContext } from "react";

// The CSP nonce the server made for this response (scripts/lib/http.ts puts it in the load
// context). Empty in the browser, which hides nonce attributes anyway — so hydration agrees.
export const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
