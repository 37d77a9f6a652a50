import { Route, Routes } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { instancePath } from '../../api/client.js';
import { AccessDenied } from '../../components/QueryState.js';
import { AddReservationPage } from './AddReservationPage.js';
import { ReservationList } from './ReservationList.js';

/** Reservations: the list (`/reservations`) and Add Reservation (`/reservations/add`). */
export default function ReservationsPage() {
  const auth = useAuth();
  return (
    <Routes>
      <Route index element={<ReservationList />} />
      <Route
        path="add"
        element={auth.may('POST', instancePath('/reservationgroups/import')) ? <AddReservationPage /> : <AccessDenied message="Adding reservations needs the admin or reservations role." />}
      />
    </Routes>
  );
}
