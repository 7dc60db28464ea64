import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes } from "react-router";
import { Layout } from "./components/layout";
import { ProfilePage } from "./features/account/profile-page";
import { SettingsPage } from "./features/account/settings-page";
import { GuestOnly, RequireAuth } from "./features/auth/gates";
import { LoginPage } from "./features/auth/login-page";
import { SignupPage } from "./features/auth/signup-page";
import { VerifyPage } from "./features/auth/verify-page";
import { HomePage } from "./features/home/home-page";
import { AlbumPage } from "./features/library/album-page";
import { AlbumsPage } from "./features/library/albums-page";
import { ArtistPage } from "./features/library/artist-page";
import { ArtistsPage } from "./features/library/artists-page";
import { LibraryPage } from "./features/library/library-page";
import { NotFoundPage } from "./features/not-found-page";
import { PlaylistPage } from "./features/playlists/playlist-page";
import { PlaylistsPage } from "./features/playlists/playlists-page";
import { SearchPage } from "./features/search/search-page";
import { SessionRoomPage } from "./features/sessions/session-room-page";
import { SessionsPage } from "./features/sessions/sessions-page";
import { StatusPage } from "./features/status/status-page";
import { initSession } from "./lib/auth";
import { initTheme } from "./lib/theme";
import { createClients, trpc } from "./lib/trpc";
import "./styles.css";

// Before the first render: the theme this device used last, and the session from the cookie.
initTheme();
void initSession();

function App() {
  const [{ queryClient, trpcClient }] = useState(createClients);
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<HomePage />} />
              <Route path="albums" element={<AlbumsPage />} />
              <Route path="albums/:id" element={<AlbumPage />} />
              <Route path="artists" element={<ArtistsPage />} />
              <Route path="artists/:id" element={<ArtistPage />} />
              <Route path="playlists" element={<PlaylistsPage />} />
              <Route path="playlists/:id" element={<PlaylistPage />} />
              {/* The old app's playlist links (/playlist/<its id>) open the same page. */}
              <Route path="playlist/:id" element={<PlaylistPage />} />
              <Route
                path="library"
                element={
                  <RequireAuth>
                    <LibraryPage />
                  </RequireAuth>
                }
              />
              <Route path="search" element={<SearchPage />} />
              <Route
                path="session"
                element={
                  <RequireAuth>
                    <SessionsPage />
                  </RequireAuth>
                }
              />
              <Route
                path="session/:code"
                element={
                  <RequireAuth>
                    <SessionRoomPage />
                  </RequireAuth>
                }
              />
              <Route path="status" element={<StatusPage />} />
              <Route
                path="signup"
                element={
                  <GuestOnly>
                    <SignupPage />
                  </GuestOnly>
                }
              />
              <Route
                path="verify"
                element={
                  <GuestOnly>
                    <VerifyPage />
                  </GuestOnly>
                }
              />
              <Route
                path="login"
                element={
                  <GuestOnly>
                    <LoginPage />
                  </GuestOnly>
                }
              />
              <Route
                path="profile"
                element={
                  <RequireAuth>
                    <ProfilePage />
                  </RequireAuth>
                }
              />
              <Route
                path="settings"
                element={
                  <RequireAuth>
                    <SettingsPage />
                  </RequireAuth>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </trpc.Provider>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
