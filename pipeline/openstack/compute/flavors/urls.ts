export const flavorsDetailURL = "/flavors/detail";
export const flavorsURL = "/flavors";
