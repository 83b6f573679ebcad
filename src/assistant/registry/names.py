"""Indonesian given names and family/second names for synthetic households (common, non-identifying)."""

MALE = (
    "Budi", "Agus", "Ahmad", "Muhammad", "Joko", "Bambang", "Slamet", "Eko", "Dedi", "Hendra", "Rudi", "Andi",
    "Yusuf", "Rizki", "Fajar", "Arif", "Hadi", "Wahyu", "Iwan", "Sugeng", "Supriyadi", "Teguh", "Asep", "Ujang",
    "Dadang", "Cecep", "Made", "Ketut", "Wayan", "Nyoman", "Putu", "Irfan", "Imam", "Taufik", "Bayu", "Dimas",
    "Rahmat", "Sutrisno", "Darmawan", "Yohanes", "Petrus", "Daniel", "Rafi", "Alif", "Farhan", "Galih", "Ilham",
    "Kurniawan", "Lukman", "Nur", "Samsul", "Syaiful", "Hasan", "Husein", "Ismail", "Zainal", "Mulyadi",
)
FEMALE = (
    "Siti", "Sri", "Dewi", "Nur", "Ani", "Rina", "Wati", "Lestari", "Yuni", "Endang", "Sumiati", "Suryani",
    "Fitri", "Rahmawati", "Indah", "Ayu", "Putri", "Nurul", "Dian", "Eka", "Ratna", "Kartini", "Aminah",
    "Fatimah", "Aisyah", "Khadijah", "Nia", "Euis", "Iis", "Neneng", "Komang", "Luh", "Maria", "Theresia",
    "Yohana", "Mega", "Intan", "Salsabila", "Nabila", "Zahra", "Aulia", "Anisa", "Kurnia", "Tuti", "Sulastri",
    "Marni", "Sarinah", "Painem", "Wulan", "Citra", "Rini", "Susanti", "Yanti", "Rohani", "Hartini",
)
SECOND = (
    "Santoso", "Wijaya", "Saputra", "Saputri", "Hidayat", "Setiawan", "Kurniasih", "Pratama", "Nugroho",
    "Susilo", "Rahman", "Hakim", "Siregar", "Nasution", "Harahap", "Lubis", "Simanjuntak", "Sihombing",
    "Sinaga", "Tambunan", "Wibowo", "Purnomo", "Gunawan", "Hermawan", "Suherman", "Sulaiman", "Maulana",
    "Permana", "Ramadhan", "Hasibuan", "Pohan", "Rangkuti", "Manurung", "Panjaitan", "Pangaribuan", "Tanjung",
    "Mahendra", "Utami", "Anggraini", "Handayani", "Wulandari", "Astuti", "Marlina", "Safitri", "Yulianti",
)
STREETS = (
    "Merdeka", "Sudirman", "Diponegoro", "Ahmad Yani", "Gatot Subroto", "Pahlawan", "Kartini", "Imam Bonjol",
    "Cendana", "Melati", "Mawar", "Kenanga", "Flamboyan", "Sukamaju", "Harapan", "Pasar Baru", "Raya Desa",
)
